export { startPlayer, type Player, type PlayerOptions } from './runtime/player';
export { readPlayerConfig, PlayerConfigError } from './runtime/config';
export { Outbox } from './proofs/outbox';
export { proofHash } from './proofs/chain';
