/** A catalog's shape with its literal strings widened: what every other language must match. */
export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
