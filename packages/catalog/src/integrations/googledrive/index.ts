import { googleAccountIdentity, googleOAuth2 } from '../../googleOAuth';
import { defineIntegration } from '../../integrationDefinition';
import { monogramIcon } from '../../monogramIcon';

const brandColor = '#1A73E8';

export const googledrive = defineIntegration({
  type: 'googledrive',
  name: 'Google Drive',
  brandColor,
  icon: monogramIcon('GD', brandColor),
  category: 'fileStorage',
  description: 'Pick, read and upload files in Google Drive.',
  overview: `Connect your Google Drive to:

- choose files and folders with the Google file picker
- import the files you pick into this app
- save exports back to your Drive`,
  docsUrl: 'https://developers.google.com/workspace/drive/api/guides/about-sdk',
  // drive.file (non-sensitive) covers files the app creates and files the user opens with the Picker;
  // the broader drive / drive.readonly scopes are "restricted" and need Google's security assessment.
  auth: googleOAuth2(['https://www.googleapis.com/auth/drive.file']),
  api: {
    // Uploads use https://www.googleapis.com/upload/drive/v3 (same host, full-URL proxying).
    baseUrl: 'https://www.googleapis.com/drive/v3',
    allowedHosts: ['www.googleapis.com'],
    // Quota errors are 403/429 with a JSON reason and no rate-limit headers; back off exponentially.
  },
  account: googleAccountIdentity,
  // The SDK's Google picker needs the project's browser API key (and optionally the Cloud project number as appId).
  filePicker: { requiredInitOptions: ['developerKey'] },
});
