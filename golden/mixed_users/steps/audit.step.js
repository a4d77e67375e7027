const { z } = require('zod')

exports.config = {
  type: 'event',
  name: 'AuditWelcome',
  subscribes: ['user.welcomed'],
  input: z.object({ userId: z.string(), at: z.string().datetime() }),
  emits: [],
  flows: ['user-management'],
}

exports.handler = async (input, { logger }) => {
  logger.info('welcomed', input)
}
