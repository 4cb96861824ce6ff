/** Handler events for the handler tests: the stack toolkit's, so that the bench builds them alike. */
export { apiEvent, invoke } from '../../scripts/stack';
