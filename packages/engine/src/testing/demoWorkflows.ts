/**
 * The seed's two demo workflows (Contact Created, Lead Created) as test fixtures. Their definitions
 * live in examples/demoWorkflows.ts, which the server also deploys to the development project.
 */
export { contactCreated, leadCreated } from '../examples/demoWorkflows';
