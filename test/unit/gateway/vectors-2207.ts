/** The project's 2207 vectors (test/vectors/platform-2207-vectors.json). */
import { projectVectors } from '../chaincode/support/vectors';

export interface Vector2207 {
  name: string;
  output: { setlinfo: Record<string, unknown>; setldetail?: Record<string, unknown>[] };
  innovativeDrug: number;
  /** The hospital's e-invoice, when the output names none (invono). */
  invoiceNumber?: string;
  expect: { settlementId: string; admissionDate: string; dischargeDate: string; costs: object };
}
export const VECTORS_2207 = projectVectors<Vector2207>('platform-2207-vectors.json');
