export { applyStepResult, applyStepResults, type StepReport } from './applyStepResult';
export {
  createFunctionRunner,
  type FunctionErrorKind,
  type FunctionRunnerOptions,
  type RunFunction,
  type RunFunctionRequest,
  type RunFunctionResult,
} from './createFunctionRunner';
export { defineWorkflow } from './defineWorkflow';
export { type DriveExecutionOptions, driveExecution } from './driveExecution';
export { evaluateCondition, looselyEqual } from './evaluateCondition';
export { type DemoWorkflowKey, demoWorkflows } from './examples/demoWorkflows';
export {
  type CreateExecutionStateOptions,
  createExecutionState,
  type ExecutionContext,
  type ExecutionState,
  type ExecutionStatus,
  executionStateSchema,
  idempotencyKeyOf,
  type JsonValue,
  type StepRecord,
  type StepRecordStatus,
  stepInstanceKey,
} from './executionState';
export { type CronSchedule, parseCron } from './parseCron';
export { parsePath, parseTemplate, type TemplatePart, templateReferences } from './parseTemplate';
export { defaultFanoutConcurrency, maxFanoutItems, type Plan, planNext, type StepAction } from './planNext';
export { renderStepInput } from './renderStepInput';
export { renderTemplate, renderText, resolvePath, type TemplateScope } from './renderTemplate';
export { maxRetryDelayMs, retryBaseDelayMs, retryDelayMs } from './retryDelay';
export {
  type HttpStepOutput,
  type IntegrationRequest,
  idempotencyKeyHeader,
  isRetryableStatus,
} from './runHttpStep';
export { runStep, type StepContext, type StepDeps } from './runStep';
export type { StepError, StepOutcome } from './stepOutcome';
export { stepScope } from './stepScope';
export { findWorkflowProblems, type ValidateWorkflowOptions, validateWorkflow } from './validateWorkflow';
