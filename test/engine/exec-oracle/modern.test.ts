import { composeExecOracle, execOracle } from './exec-oracle.js';

execOracle('modern');
composeExecOracle('modern');
