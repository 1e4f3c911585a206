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
    {
      name: 'no-reading-other-modules-internals',
      severity: 'error',
      comment:
        'A module reaches another only through what it exposes (its *Directory, *.module.ts, ports, ' +
        'errors, views, services): never its entities, its *Records repository or its *Reads hot ' +
        'SQL, which are how it stores data, free to change. src/web (pages) is held to the same.',
      // $1 is the importing module: the target is another module's storage. Entity files are
      // held to the next rule instead.
      from: { path: '^src/([^/]+)/', pathNot: '^src/[^/]+/entities/[^/]+[.]entity[.]ts$' },
      to: {
        path: '^src/[^/]+/(entities/|[^/]+/entities/|.*-records[.]ts$|.*-reads[.]ts$)',
        pathNot: '^src/$1/',
      },
    },
    {
      name: 'entities-only-name-entities-for-foreign-keys',
      severity: 'error',
      comment:
        "The one allowed crossing: an entity's @ManyToOne names another module's entity so the " +
        'foreign key is in the mapped schema (migration:check compares it with the migrations). ' +
        'Such a relation is for the schema only: nothing outside its module loads it.',
      from: { path: '^src/([^/]+)/entities/[^/]+[.]entity[.]ts$' },
      to: {
        path: '^src/[^/]+/(entities/|[^/]+/entities/|.*-records[.]ts$|.*-reads[.]ts$)',
        pathNot: ['^src/$1/', '^src/[^/]+/entities/[^/]+[.]entity[.]ts$'],
      },
    },
    {
      name: 'kernel-knows-no-domain',
      severity: 'error',
      comment:
        'src/core is the kernel: no grant knowledge. It calls domain modules through ports ' +
        '(core/access/access.ports.ts) that they implement, never by import.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist' },
  },
};
