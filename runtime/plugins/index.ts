/**
 * Plugins: the contract (definePlugin) and the loader the composition root calls with the
 * plugins it makes available and the node config's selection. See docs/config.md, Plugins.
 */
export * from "./plugin.ts";
export { createPortable, loadPlugins, LoadedPlugins, resolvePlugins, type PluginSelection } from "./loader.ts";
