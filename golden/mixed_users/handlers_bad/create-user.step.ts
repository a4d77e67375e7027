import { ApiRouteConfig, Handlers } from 'motia'
import { z } from 'zod'

const userSchema = z.object({ id: z.string(), name: z.string() })

export const config: ApiRouteConfig = {
  type: 'api',
  name: 'CreateUser',
  path: '/users',
  method: 'POST',
  emits: ['user.created'],
  description: 'Creates a new user',
  flows: ['user-management'],
  bodySchema: z.object({ name: z.string().min(1), email: z.string().email().optional() }),
  responseSchema: {
    201: userSchema,
    400: z.object({ error: z.string() }),
  },
  middleware: [authMiddleware],
  queryParams: [{ name: 'invite', description: 'Invite code' }],
  virtualSubscribes: ['user.invited'],
}

export const handler: Handlers['CreateUser'] = async (req, { emit }) => {
  const user = { id: crypto.randomUUID(), name: req.body.name }
  await emit({ topic: 'user.created', data: user })
  return { status: 201, body: user }
}
