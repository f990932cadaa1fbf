/**
 * fabric-protos' static message classes alone (its main module also loads gRPC, which browsers cannot): the same
 * module its typings describe.
 */
declare module 'fabric-protos/bundle' {
  export * from 'fabric-protos';
}
