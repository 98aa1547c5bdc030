import type { CloseRequest } from '@df/contracts';
import { refuseField } from '../rejection';

/** withdraw (the organizer) and cancel (the FAO): who and when is the access table's; both need a reason. */

export function checkReason(r: CloseRequest): void {
  if (typeof r.reason !== 'string' || !r.reason.trim()) refuseField('reason', 'required', '请填写原因', 'is required');
}
