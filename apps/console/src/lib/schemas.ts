/** The zod input schemas shared with the API (pure zod, safe in the browser). */
export {
  checkStrategy,
  SIMULATOR_LIMITS,
  type StrategyProblem,
  type TPushStrategy,
  type TServiceReply,
  ZAddGroupDevicesInput,
  ZCreateApiKeyInput,
  ZCreateDeviceInput,
  ZCreateGroupInput,
  ZCreateProductInput,
  ZCreateTopicClassInput,
  ZCreateUserInput,
  ZDeviceName,
  ZLoginInput,
  ZTag,
  ZUpdateProductInput,
} from '@iotops/services/schemas'
