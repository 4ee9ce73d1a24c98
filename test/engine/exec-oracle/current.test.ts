import { composeExecOracle, execOracle } from './exec-oracle.js';

execOracle('current');
composeExecOracle('current');
