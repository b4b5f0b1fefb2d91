/** The call-center simulator: drives the Genesys emulator with a seeded, clocked model of a contact center. */
export {
  createSimulator,
  runSimulation,
  type GroundTruth,
  type SimulationResult,
  type Simulator,
  type SimulatorConfig,
} from './runner.ts';
export {
  simulate,
  startDemo,
  parseDuration,
  summarise,
  DEMO_PRESET,
  type SimulateOptions,
} from './simulate.ts';
export { SimulationEngine, type Action, type QueueTruth } from './engine.ts';
export { DEFAULT_OPTIONS, resolveOptions, type SimulationOptions, type SimMediaType } from './options.ts';
export { createClock, type SimClock } from './clock.ts';
export { createRng, type Rng } from './prng.ts';
export type { GenesysTarget } from './genesys-client.ts';
