import type { MeResponse, PortalInitMessage, SdkIntegration } from '@switchboard/contracts';
import { useCallback, useEffect, useState } from 'react';
import { describeError, IntegrationDialog } from './IntegrationDialog';
import { createPortalApi, type PortalApi } from './portalApi';
import type { PortalChannel } from './portalChannel';

type Session = { init: PortalInitMessage; api: PortalApi; serial: number };
type Loaded = { serial: number; integration: SdkIntegration; me: MeResponse };

let serials = 0;

/**
 * The portal document: waits for the SDK's `init`, loads the integration and the user, shows the
 * dialog and tells the SDK it opened; closing (button, Esc, backdrop) tells the SDK, which hides the
 * iframe. A new `init` replaces whatever was shown; `close` from the SDK just resets.
 */
export function PortalApp({ channel }: { channel: PortalChannel }) {
  const [session, setSession] = useState<Session>();
  const [loaded, setLoaded] = useState<Loaded>();

  useEffect(() => {
    const stop = channel.subscribe((message) => {
      if (message.type === 'switchboard:close') {
        setSession(undefined);
        setLoaded(undefined);
        return;
      }
      document.documentElement.dataset.theme = message.theme;
      const api = createPortalApi({
        host: window.location.origin,
        projectId: message.projectId,
        token: message.token,
      });
      setLoaded(undefined);
      setSession({ init: message, api, serial: ++serials });
    });
    channel.announce();
    return stop;
  }, [channel]);

  useEffect(() => {
    if (!session) return;
    let current = true;
    const { init, api, serial } = session;
    Promise.all([api.integrations(), api.me()]).then(
      ([integrations, me]) => {
        if (!current) return;
        const integration = integrations.find(
          (candidate) =>
            candidate.type === init.integrationType && candidate.isActive && candidate.configs.length > 0,
        );
        if (!integration) {
          channel.post({
            type: 'switchboard:error',
            integrationType: init.integrationType,
            message: `"${init.integrationType}" is not an active integration of this project.`,
            code: 'INTEGRATION_NOT_FOUND',
          });
          setSession(undefined);
          return;
        }
        setLoaded({ serial, integration, me });
        channel.post({
          type: 'switchboard:opened',
          integrationId: integration.id,
          integrationType: integration.type,
        });
      },
      (error: unknown) => {
        if (!current) return;
        channel.post({
          type: 'switchboard:error',
          integrationType: init.integrationType,
          message: `The Connect Portal could not load: ${describeError(error)}`.slice(0, 2000),
        });
        setSession(undefined);
      },
    );
    return () => {
      current = false;
    };
  }, [session, channel]);

  const close = useCallback(() => {
    if (loaded) {
      channel.post({
        type: 'switchboard:closed',
        integrationId: loaded.integration.id,
        integrationType: loaded.integration.type,
      });
    }
    setSession(undefined);
    setLoaded(undefined);
  }, [channel, loaded]);

  const setMe = useCallback((me: MeResponse) => {
    setLoaded((current) => (current ? { ...current, me } : current));
  }, []);

  if (!session || !loaded || loaded.serial !== session.serial) return null;
  return (
    <IntegrationDialog
      key={loaded.serial}
      init={session.init}
      api={session.api}
      integration={loaded.integration}
      me={loaded.me}
      setMe={setMe}
      post={channel.post}
      onClose={close}
    />
  );
}
