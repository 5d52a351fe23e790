/** Fire-and-forget messages between nodes (stanza routing): topic handler registry. */
export { TopicHandlers } from './topic-handlers';
