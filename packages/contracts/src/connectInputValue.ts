import { z } from 'zod';

/** A User Setting value: a scalar, or an object for field mappings / combo inputs (any JSON). */
export const connectInputValueSchema = z.json();
export type ConnectInputValue = z.infer<typeof connectInputValueSchema>;

export const settingsMapSchema = z.record(z.string().min(1).max(200), connectInputValueSchema);
export type SettingsMap = z.infer<typeof settingsMapSchema>;

/** Per-workflow state inside a Configuration: `workflowSettings[workflowId]`. */
export const workflowSettingSchema = z.object({
  enabled: z.boolean(),
  settings: settingsMapSchema.default({}),
});
export type WorkflowSetting = z.infer<typeof workflowSettingSchema>;

export const workflowSettingsSchema = z.record(z.string().min(1).max(200), workflowSettingSchema);
export type WorkflowSettings = z.infer<typeof workflowSettingsSchema>;
