/** fabric-contract-api logs every @Transaction at info level when it loads: keep test output readable. */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'warning';
