import type { FormRule } from 'antd'

interface Parser {
  safeParse(value: unknown): { success: boolean }
}

/**
 * An antd form rule that checks a value with the same zod schema the server uses, and explains a failure with a
 * message from the user's catalogue (the schema's own messages are English only).
 */
export function zodRule(schema: Parser, message: string): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      // an empty input is "not given": optional fields pass, required ones fail
      if (!schema.safeParse(value === '' || value === null ? undefined : value).success) throw new Error(message)
    },
  }
}

/** Drops empty strings so optional fields are sent as "not given". */
export function withoutEmpty<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== null && v !== undefined)) as T
}
