export * from './board.ts';
export * from './domain.ts';
export * from './errors.ts';
export * from './messages.ts';
export * from './names.ts';
export * from './version.ts';
