/** Sent as `X-Paragon-SDK-Version` and returned by `getVersion()`; kept equal to package.json (tested). */
export const sdkVersion = '0.1.0';
