// The IPC layer's public surface for the shell and browser mode.
export { FerryService } from './ferry-service'
export type { FerryServiceOptions, FerryHandlers } from './ferry-service'
export { realBackends } from './backends'
export type { Backends } from './backends'
export { CALL_CHANNELS, CALL_METHODS, EVENT_CHANNELS, EVENT_METHODS } from './channels'
export type { CallMethod, EventMethod, EventName } from './channels'
export type { LocalUploadItem } from './schemas'
export { ServiceEvents } from './service-events'
