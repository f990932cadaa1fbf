/**
 * fabric-network logs every failed transaction with a stack trace, including those the tests provoke on
 * purpose; its errors go to network/run/logs/fabric-client.log instead of the test report. Imported before
 * fabric-network, which reads the setting once.
 */
import * as path from 'path';
import { RUN_DIR } from '../../../network/profiles/topology';

process.env.HFC_LOGGING ??= JSON.stringify({ error: path.join(RUN_DIR, 'logs', 'fabric-client.log') });
