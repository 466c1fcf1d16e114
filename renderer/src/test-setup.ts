import '@testing-library/jest-dom/vitest'
import { afterEach } from 'vitest'
import { cleanup } from '@testing-library/react'

afterEach(() => {
  cleanup()
  // Each test gets a fresh store; remembered settings must not leak between tests either.
  localStorage.clear()
})
