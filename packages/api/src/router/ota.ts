import { otaFirmware, otaModules, otaSchema, otaSigning } from '@iotops/services'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

// OTA modules and upgrade packages (ref §8.2.1). Package files are uploaded over HTTP first
// (POST/PUT/GET /api/ota/uploads, resumable); createFirmware then takes the finished uploads by id.
export const otaRouter = createTRPCRouter({
  /** the product's modules, `default` first */
  modules: viewerProcedure
    .input(otaSchema.ZOtaModulesInput)
    .query(({ ctx, input }) => otaModules.listModules(ctx.db, input.productKey)),
  createModule: operatorProcedure
    .input(otaSchema.ZCreateOtaModuleInput)
    .mutation(({ ctx, input }) => otaModules.createModule(ctx.db, ctx.actor, input)),
  updateModule: operatorProcedure
    .input(otaSchema.ZUpdateOtaModuleInput)
    .mutation(({ ctx, input }) => otaModules.updateModule(ctx.db, ctx.actor, input)),
  deleteModule: operatorProcedure
    .input(otaSchema.ZDeleteOtaModuleInput)
    .mutation(({ ctx, input }) => otaModules.deleteModule(ctx.db, ctx.actor, input)),

  list: viewerProcedure
    .input(otaSchema.ZListFirmwareInput)
    .query(({ ctx, input }) => otaFirmware.listFirmware(ctx.db, input)),
  /** with its files and their signed download links (24 h) */
  byId: viewerProcedure
    .input(otaSchema.ZFirmwareRef)
    .query(({ ctx, input }) => otaFirmware.firmwareDetail(ctx.db, input.id)),
  createFirmware: operatorProcedure
    .input(otaSchema.ZCreateFirmwareInput)
    .mutation(({ ctx, input }) => otaFirmware.createFirmware(ctx.db, ctx.actor, input)),
  updateFirmware: operatorProcedure
    .input(otaSchema.ZUpdateFirmwareInput)
    .mutation(({ ctx, input }) => otaFirmware.updateFirmware(ctx.db, ctx.actor, input)),
  deleteFirmware: operatorProcedure
    .input(otaSchema.ZFirmwareRef)
    .mutation(({ ctx, input }) => otaFirmware.deleteFirmware(ctx.db, ctx.actor, input.id)),

  /** the product's secure-upgrade public key (null until created); the private key is never returned */
  signKey: viewerProcedure
    .input(otaSchema.ZOtaSignKeyInput)
    .query(({ ctx, input }) => otaSigning.signKey(ctx.db, input.productKey)),
  /** creates the product's key pair when it has none; returns the (unchanged) public key otherwise */
  createSignKey: operatorProcedure
    .input(otaSchema.ZOtaSignKeyInput)
    .mutation(({ ctx, input }) => otaSigning.ensureSignKey(ctx.db, ctx.actor, input.productKey)),
  /** versions of the module devices reported, with device counts */
  versions: viewerProcedure
    .input(otaSchema.ZOtaVersionsInput)
    .query(({ ctx, input }) => otaFirmware.moduleVersions(ctx.db, input.productKey, input.module)),
})
