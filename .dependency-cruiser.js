/**
 * The module boundaries the build enforces (`npm run lint:deps`, in CI): no import cycle between
 * files, and no module reading another module's entities or repositories except through what it
 * exports. Rules, not a picture: a new violation fails the build.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle means a boundary is wrong: break it with a port, not a shared dumping ground.',
      from: { path: '^src' },
      to: { circular: true },
    },
    {
      name: 'no-nest-internals',
      severity: 'error',
      comment: 'Public extension points only: no deep imports of a framework.',
      from: { path: '^src' },
      // A package's entry is its index; anything deeper is an internal that moves between
      // versions. `@nestjs/common/constants` (the metadata keys, e.g. PATH_METADATA) is the one
      // subpath Nest's own packages and its ecosystem read as public.
      to: {
        path: '^node_modules/@nestjs/[^/]+/',
        pathNot: [
          '^node_modules/@nestjs/[^/]+/(dist/)?index\\.(js|d\\.ts)$',
          '^node_modules/@nestjs/common/constants\\.(js|d\\.ts)$',
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist' },
  },
};
