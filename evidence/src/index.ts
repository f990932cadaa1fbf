/** The evidence package's format and its offline verifier, as a library. */
export * from './format';
export { verifyPackage, type Check, type Verdict } from './verify';
export { dataHash, decodeBlock, decodeChainInfo, decodeHeader, headerHash, linkOf } from './blocks';
export { hex } from './bytes';
