/** The zod input schemas shared with the API (pure zod, safe in the browser). */
export {
  ZCreateApiKeyInput,
  ZCreateProductInput,
  ZCreateTopicClassInput,
  ZCreateUserInput,
  ZLoginInput,
  ZUpdateProductInput,
} from '@iotops/services/schemas'
