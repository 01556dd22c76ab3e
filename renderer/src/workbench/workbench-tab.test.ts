import { describe, expect, it } from 'vitest';
import { connectionsFor, workbenchTab } from './workbench-tab';

const connections = [
  { name: 'orders-db', type: 'postgres' },
  { name: 'build-host', type: 'ssh' },
  { name: 'billing-api', type: 'http' },
];

describe('workbenchTab', () => {
  it('follows the type of the connection the route names', () => {
    expect(workbenchTab('build-host', connections, null)).toBe('terminal');
    expect(workbenchTab('orders-db', connections, 'terminal')).toBe('sql');
  });

  it('keeps the chosen tab when the route names no usable connection', () => {
    expect(workbenchTab('', connections, 'terminal')).toBe('terminal');
    expect(workbenchTab('billing-api', connections, null)).toBe('sql');
    // Before the connections have loaded, a named connection says nothing yet.
    expect(workbenchTab('build-host', [], 'terminal')).toBe('terminal');
  });
});

describe('connectionsFor', () => {
  it('offers ssh connections to the terminal and postgres ones to SQL', () => {
    expect(connectionsFor('terminal', connections).map((c) => c.name)).toEqual(['build-host']);
    expect(connectionsFor('sql', connections).map((c) => c.name)).toEqual(['orders-db']);
  });
});
