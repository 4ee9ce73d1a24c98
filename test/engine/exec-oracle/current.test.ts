import { execOracle } from './exec-oracle.js';

execOracle('current');
