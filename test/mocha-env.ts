// Loaded by mocha before any spec (.mocharc.yml `require`). Under mocha's loader @polkadot/*
// resolves to its CommonJS build in some files and its ESM build in others (same version);
// polkadot.js then warns "multiple versions" on every run. The nexus binary loads ESM only.
process.env.POLKADOTJS_DISABLE_ESM_CJS_WARNING = "1";
