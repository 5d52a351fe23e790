export { default as componentsModule } from './module';
export { componentsConfigSchema } from './components-config';
export type { ComponentsConfig } from './components-config';
export { ComponentDirectory } from './component-directory';
export type { ComponentRoute } from './component-directory';
