import { googleAccountIdentity, googleOAuth2 } from '../../googleOAuth';
import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#4285F4';

export const googlecalendar = defineIntegration({
  type: 'googlecalendar',
  name: 'Google Calendar',
  brandColor,
  icon: monogramIcon('GC', brandColor),
  category: 'calendar',
  description: 'Read availability and create events in Google Calendar.',
  overview: `Connect your Google Calendar to:

- check your availability before scheduling
- create, update and cancel events from this app
- keep event changes in sync`,
  docsUrl: 'https://developers.google.com/workspace/calendar/api/guides/overview',
  // `calendar` is a sensitive (not restricted) scope: consent-screen verification, no security assessment.
  auth: googleOAuth2(['https://www.googleapis.com/auth/calendar']),
  api: {
    baseUrl: 'https://www.googleapis.com/calendar/v3',
    allowedHosts: ['www.googleapis.com'],
    // Quota errors are 403/429 with a JSON reason and no rate-limit headers; back off exponentially.
  },
  account: googleAccountIdentity,
});
