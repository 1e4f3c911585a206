export * from './identity';
export * from './grants';
