import { otaAnalysis, otaJobs } from '@iotops/services'
import {
  ZCancelOtaJobInput,
  ZCancelOtaTasksByDeviceInput,
  ZCancelOtaTasksInput,
  ZCheckDeviceListInput,
  ZConfirmOtaTasksInput,
  ZCreateOtaDynamicJobInput,
  ZCreateOtaStaticJobInput,
  ZCreateOtaVerifyJobInput,
  ZOtaAnalysisInput,
  ZOtaDistributionInput,
  ZOtaJobList,
  ZOtaJobRef,
  ZOtaPackageTaskList,
  ZOtaRegionsInput,
  ZOtaTaskList,
  ZOtaTaskRef,
  ZOtaUnfinishedByDeviceInput,
  ZUpdateOtaJobInput,
} from '@iotops/services/schemas'
import { createTRPCRouter, operatorProcedure, viewerProcedure } from '../trpc'

/** OTA upgrade batches and their device tasks (ref §8.2.2–8.2.5); logic in packages/services/src/ota/jobs.ts. */
export const otaJobRouter = createTRPCRouter({
  createVerify: operatorProcedure
    .input(ZCreateOtaVerifyJobInput)
    .mutation(({ ctx, input }) => otaJobs.createVerifyJob(ctx.db, ctx.actor, input)),
  createStatic: operatorProcedure
    .input(ZCreateOtaStaticJobInput)
    .mutation(({ ctx, input }) => otaJobs.createStaticJobParsed(ctx.db, ctx.actor, input)),
  createDynamic: operatorProcedure
    .input(ZCreateOtaDynamicJobInput)
    .mutation(({ ctx, input }) => otaJobs.createDynamicJob(ctx.db, ctx.actor, input)),
  checkDeviceList: viewerProcedure
    .input(ZCheckDeviceListInput)
    .query(({ ctx, input }) => otaJobs.checkDeviceList(ctx.db, input)),
  list: viewerProcedure.input(ZOtaJobList).query(({ ctx, input }) => otaJobs.listJobs(ctx.db, input)),
  byId: viewerProcedure.input(ZOtaJobRef).query(({ ctx, input }) => otaJobs.jobDetail(ctx.db, input.id)),
  tasks: viewerProcedure.input(ZOtaTaskList).query(({ ctx, input }) => otaJobs.listTasks(ctx.db, input)),
  /** a package's devices across its batches (CSV: GET /api/ota/packages/{firmwareId}/devices.csv) */
  packageTasks: viewerProcedure
    .input(ZOtaPackageTaskList)
    .query(({ ctx, input }) => otaJobs.listPackageTasks(ctx.db, input)),
  /** the provinces and cities a product's devices report (the region scope's picker) */
  regions: viewerProcedure.input(ZOtaRegionsInput).query(({ ctx, input }) => otaJobs.reportedRegions(ctx.db, input)),
  unfinishedByDevice: viewerProcedure
    .input(ZOtaUnfinishedByDeviceInput)
    .query(({ ctx, input }) => otaJobs.unfinishedTasksByDevice(ctx.db, input)),
  update: operatorProcedure
    .input(ZUpdateOtaJobInput)
    .mutation(({ ctx, input }) => otaJobs.updateJob(ctx.db, ctx.actor, input)),
  cancel: operatorProcedure
    .input(ZCancelOtaJobInput)
    .mutation(({ ctx, input }) => otaJobs.cancelJob(ctx.db, ctx.actor, input)),
  cancelTasks: operatorProcedure
    .input(ZCancelOtaTasksInput)
    .mutation(({ ctx, input }) => otaJobs.cancelTasks(ctx.db, ctx.actor, input)),
  cancelTasksByDevice: operatorProcedure
    .input(ZCancelOtaTasksByDeviceInput)
    .mutation(({ ctx, input }) => otaJobs.cancelTasksByDevice(ctx.db, ctx.actor, input)),
  retryTask: operatorProcedure
    .input(ZOtaTaskRef)
    .mutation(({ ctx, input }) => otaJobs.retryTask(ctx.db, ctx.actor, input)),
  confirm: operatorProcedure
    .input(ZConfirmOtaTasksInput)
    .mutation(({ ctx, input }) => otaJobs.confirmTasks(ctx.db, ctx.actor, input)),
  resume: operatorProcedure.input(ZOtaJobRef).mutation(({ ctx, input }) => otaJobs.resumeJob(ctx.db, ctx.actor, input)),
  distribution: viewerProcedure
    .input(ZOtaDistributionInput)
    .query(({ ctx, input }) => otaAnalysis.distribution(ctx.db, input)),
  analysis: viewerProcedure.input(ZOtaAnalysisInput).query(({ ctx, input }) => otaAnalysis.analysis(ctx.db, input)),
})
