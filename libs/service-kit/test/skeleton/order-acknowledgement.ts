import { assertNever, type Decider } from '@lading/decider';

// The skeleton service's domain (in a real service: libs/<service>/domain): one decider, pure.
// It acknowledges each ERP order once, and records a cancel that arrives before or after.

export type AcknowledgementCommand =
  | { type: 'AcknowledgeOrder'; data: { orderId: string; lines: number; placedAt: string } }
  | { type: 'NoteCancellation'; data: { orderId: string; cancelledAt: string } };

export type AcknowledgementEvent =
  | { type: 'OrderAcknowledged'; data: { orderId: string; lines: number; acknowledgedAt: string } }
  | { type: 'CancellationNoted'; data: { orderId: string; cancelledAt: string } };

export type Acknowledgement = { status: 'Unknown' | 'Acknowledged' | 'Cancelled'; lines: number };

export const orderAcknowledgement: Decider<AcknowledgementCommand, AcknowledgementEvent, Acknowledgement> = {
  initialState: () => ({ status: 'Unknown', lines: 0 }),
  decide(command, state, { now }) {
    switch (command.type) {
      case 'AcknowledgeOrder':
        return state.status === 'Unknown' ? [{ type: 'OrderAcknowledged', data: { orderId: command.data.orderId, lines: command.data.lines, acknowledgedAt: now.toISOString() } }] : [];
      case 'NoteCancellation':
        return state.status === 'Cancelled' ? [] : [{ type: 'CancellationNoted', data: command.data }];
      default:
        return assertNever(command, 'acknowledgement command');
    }
  },
  evolve(state, event) {
    return event.type === 'OrderAcknowledged' ? { status: state.status === 'Cancelled' ? 'Cancelled' : 'Acknowledged', lines: event.data.lines } : { ...state, status: 'Cancelled' };
  },
};
