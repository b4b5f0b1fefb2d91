/** PureConnect (CIC) ICWS connector for case routing. */
export {
  createCicConnector,
  DEFAULT_SORS_IDS,
  type CicConnector,
  type CicConnectorOptions,
  type CreateEmailInteraction,
  type ServerRole,
  type SorsIds,
} from './client.ts';
