export { ClientFleet, type ClientFleetOptions, type FleetTotals } from './client-fleet.js';
