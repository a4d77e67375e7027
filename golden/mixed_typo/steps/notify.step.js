exports.config = {
  name: 'NotifyUser',
  type: 'event',
  subscribes: ['message.proccessed'], // expect: MG232:16
  emits: [],
  flows: ['messaging']
}

exports.handler = async (input, { logger }) => {
  logger.info('notified', input)
}
