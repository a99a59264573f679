/** Plugin-data key on an inserted sketch holding the id of the image it was drawn from. */
export const SOURCE_KEY = 'sourceNodeId';
