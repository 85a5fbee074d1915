// Keep test output readable: the structured logs (audit records included) are asserted by spying on the logger.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Lambdas run Node 22; the SDK's notice that it will need Node 22 after January 2027 is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
