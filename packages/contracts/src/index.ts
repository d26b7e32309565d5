export * from './admin';
export * from './appError';
export * from './connectInputValue';
export * from './credential';
export * from './errorCode';
export * from './sdkIntegration';
export * from './sdkUser';
export * from './userToken';
