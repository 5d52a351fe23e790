export { default as uploadModule } from './module';
export { UPLOAD_NS } from './upload-slots';
export type { FileStorage } from './file-storage';
