import { expect } from 'chai'
import { planChanges } from '../../src/faces/person-changes.js'
import type { PersonRecord } from '../../src/storage/repositories/faces-repository.js'

const ALICE: PersonRecord = {
  id: 7,
  name: 'alice',
  list: 'known',
  reason: null,
  metadata: { room: 'B' },
  active: true,
  createdAt: 1,
  updatedAt: 1,
  encodingCount: 2,
}

describe('planChanges', () => {
  it('plans nothing when every field is already as asked', () => {
    const plan = planChanges(ALICE, {
      name: 'alice',
      list: 'known',
      reason: null,
      metadata: { room: 'B' },
      active: true,
    })

    expect(plan).to.deep.equal({ fields: {}, actions: [] })
  })

  it('plans one action per kind of change, in a fixed order', () => {
    const plan = planChanges(ALICE, {
      active: false,
      metadata: {},
      reason: 'moved out',
      list: 'blacklist',
      name: 'Alice',
    })

    expect(plan.fields).to.deep.equal({
      name: 'Alice',
      list: 'blacklist',
      reason: 'moved out',
      metadata: {},
      active: false,
    })
    expect(plan.actions).to.deep.equal([
      { action: 'rename', details: { from: 'alice', to: 'Alice' } },
      { action: 'move', details: { from: 'known', to: 'blacklist' } },
      {
        action: 'update',
        details: {
          reason: { from: null, to: 'moved out' },
          metadata: { from: { room: 'B' }, to: {} },
        },
      },
      { action: 'remove', details: { name: 'Alice' } },
    ])
  })

  it('plans a restore for an inactive person asked to be active', () => {
    const plan = planChanges({ ...ALICE, active: false }, { active: true })

    expect(plan.actions).to.deep.equal([
      { action: 'restore', details: { name: 'alice' } },
    ])
  })
})
