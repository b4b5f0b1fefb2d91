/** Personal data in Patchbay: the registry of stores, subjects, keyed hashes. See subject.ts for the glossary. */
export {
  createPersonalDataRegistry,
  type EraseContext,
  type PersonalDataRegistry,
  type PersonalDataStore,
} from './registry.ts';
export { registerPlatformStores } from './platform-stores.ts';
export {
  emptySubject,
  keyedHash,
  mentions,
  mergeSubjects,
  phoneSpellings,
  subjectHashes,
  subjectNeedles,
  type Subject,
} from './subject.ts';
export { mentionsAny, tableExists } from './text-match.ts';
