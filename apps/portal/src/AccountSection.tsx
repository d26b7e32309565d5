import type { Credential } from '@switchboard/contracts';
import { accountLabel } from './userState';

/** The connected account, a switcher when the user connected several, and Disconnect. */
export function AccountSection(props: {
  integrationName: string;
  credentials: Credential[];
  credential: Credential;
  allowMultiple: boolean;
  busy: boolean;
  onSelect(credentialId: string): void;
  onAddAccount(): void;
  onDisconnect(): void;
}) {
  const { credential } = props;
  const details = Object.entries(credential.providerData).filter(([, value]) => value !== '');
  return (
    <section className="section account" aria-labelledby="account-heading">
      <h3 id="account-heading" className="section__title">
        Account
      </h3>
      {props.credentials.length > 1 ? (
        <div className="field">
          <label htmlFor="account-switcher">Connected account</label>
          <select
            id="account-switcher"
            data-testid="portal-account-switcher"
            value={credential.id}
            disabled={props.busy}
            onChange={(event) => props.onSelect(event.target.value)}
          >
            {props.credentials.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {accountLabel(candidate)}
                {candidate.status === 'VALID' ? '' : ` (${candidate.status.toLowerCase()})`}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="account__card" data-testid="portal-account">
        <span className={`badge badge--${credential.status === 'VALID' ? 'on' : 'warn'}`}>
          {credential.status === 'VALID'
            ? 'Connected'
            : credential.status === 'PENDING'
              ? 'Setup not finished'
              : 'Needs reconnecting'}
        </span>
        <p className="account__name">{accountLabel(credential)}</p>
        <dl className="account__details">
          {credential.providerId ? (
            <div className="account__detail">
              <dt>Account ID</dt>
              <dd>{credential.providerId}</dd>
            </div>
          ) : null}
          {details.map(([key, value]) => (
            <div key={key} className="account__detail">
              <dt>{key}</dt>
              <dd>{String(value)}</dd>
            </div>
          ))}
        </dl>
      </div>
      <div className="form-actions">
        {props.allowMultiple ? (
          <button type="button" className="button" onClick={props.onAddAccount} disabled={props.busy}>
            Connect another account
          </button>
        ) : null}
        <button
          type="button"
          className="button button--danger"
          data-testid="portal-disconnect"
          onClick={props.onDisconnect}
          disabled={props.busy}
          aria-describedby="disconnect-hint"
        >
          Disconnect
        </button>
      </div>
      <p id="disconnect-hint" className="field__hint">
        Disconnecting removes this {props.integrationName} account, its settings and stops its workflows.
      </p>
    </section>
  );
}
