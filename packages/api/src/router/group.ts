import { groups } from '@iotops/services'
import {
  ZAddGroupDevicesInput,
  ZCreateGroupInput,
  ZGroupMembersInput,
  ZPage,
  ZRemoveGroupDeviceInput,
} from '@iotops/services/schemas'
import { z } from 'zod'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

export const groupRouter = createTRPCRouter({
  list: viewerProcedure.input(ZPage).query(({ ctx, input }) => groups.listGroups(ctx.db, input)),
  create: operatorProcedure
    .input(ZCreateGroupInput)
    .mutation(({ ctx, input }) => groups.createGroup(ctx.db, ctx.actor, input)),
  delete: operatorProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) => groups.deleteGroup(ctx.db, ctx.actor, input.id)),
  members: viewerProcedure.input(ZGroupMembersInput).query(({ ctx, input }) => groups.groupMembers(ctx.db, input)),
  addDevices: operatorProcedure
    .input(ZAddGroupDevicesInput)
    .mutation(({ ctx, input }) => groups.addGroupDevices(ctx.db, ctx.actor, input.id, input.devices)),
  removeDevice: operatorProcedure
    .input(ZRemoveGroupDeviceInput)
    .mutation(({ ctx, input }) => groups.removeGroupDevice(ctx.db, ctx.actor, input.id, input)),
})
