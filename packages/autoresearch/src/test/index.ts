// autoresearch/test: test doubles for your own plugins, so an agent or a trainer can be tested
// without a git repository, a GPU or an API key. Every name here is a TEST DOUBLE, never for
// research. See docs/plugins.md ("Testing a plugin").
export {
  ScriptedAgent,
  ScriptedTrainer,
  InMemoryWorkspace,
  InMemoryStore,
  experimentRecord,
  type AgentScript,
  type ScriptedProposal,
  type ScriptedAgentDouble,
  type TrainerScript,
  type ScriptedRun,
  type ScriptedTrainerDouble,
  type ScriptedTrainerOptions,
  type InMemoryWorkspaceOptions,
  type InMemoryWorkspaceDouble,
  type InMemoryStoreDouble,
  type ExperimentRecordFixture
} from "@autoresearch/core/test"
