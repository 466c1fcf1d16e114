import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { PERSIST_KEY } from '../../store'
import { renderWithStore } from '../../test/render'
import { HostView } from './HostView'

const SECRET = 'fake-secret-for-the-form'

async function fillS3Form(user: ReturnType<typeof userEvent.setup>): Promise<void> {
  await user.click(screen.getByLabelText('S3 bucket'))
  await user.type(screen.getByLabelText('S3 endpoint'), 'http://10.0.0.5:7480')
  await user.type(screen.getByLabelText('Bucket'), 'team-files')
  await user.type(screen.getByLabelText('Folder in the bucket (optional)'), 'docs')
  await user.type(screen.getByLabelText('Access key id'), 'AKID1')
  await user.type(screen.getByLabelText('Secret key'), SECRET)
}

describe('HostView: sharing an S3 bucket', () => {
  it('offers Folder or S3 bucket; hosts the bucket, shows s3://bucket/prefix and lets go of the secret', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    expect(screen.getByLabelText('Folder')).toBeChecked()
    expect(screen.getByLabelText('Shared folder')).toBeInTheDocument()
    await fillS3Form(user)
    expect(screen.queryByLabelText('Shared folder')).not.toBeInTheDocument()
    expect(screen.getByLabelText('Secret key')).toHaveAttribute('type', 'password')

    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(api.callsOf('startHost')).toEqual([
      [
        {
          port: 7420,
          bindAll: false,
          tls: true,
          readOnly: false,
          s3: {
            endpoint: 'http://10.0.0.5:7480',
            bucket: 'team-files',
            prefix: 'docs',
            accessKeyId: 'AKID1',
            secretAccessKey: SECRET,
          },
        },
      ],
    ])
    expect(screen.getByTestId('host-state')).toHaveTextContent('Hosting s3://team-files/docs on port 7420')
    expect(store.getState().hostS3Secret).toBe('')
    expect(screen.getByLabelText('Secret key')).toHaveValue('')
    expect(localStorage.getItem(PERSIST_KEY) ?? '').not.toContain(SECRET)
  })

  it('shows why the back end refused, in the form, with the code; nothing runs', async () => {
    const user = userEvent.setup()
    const { api } = renderWithStore(<HostView />)
    await fillS3Form(user)
    api.failNext(
      'startHost',
      'STORE_UNAVAILABLE',
      'cannot use the S3 store at http://10.0.0.5:7480: unreachable',
    )
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(screen.getByRole('switch', { name: 'Host a server' })).toHaveAttribute('aria-checked', 'false')
    expect(screen.getByTestId('host-start-error')).toHaveTextContent(
      "Could not start hosting: cannot use the S3 store at http://10.0.0.5:7480: unreachable — check the store's endpoint, bucket and keys, and that the store is running",
    )
    expect(screen.getByTestId('host-start-error')).toHaveAttribute('title', 'Error code: STORE_UNAVAILABLE')
    // The secret stays in the field for another try; changing the form clears the stale error.
    expect(screen.getByLabelText('Secret key')).toHaveValue(SECRET)
    await user.type(screen.getByLabelText('Bucket'), '2')
    expect(screen.getByTestId('host-start-error')).toHaveTextContent('')
  })

  it('asks for the endpoint, bucket and key id before calling the back end', async () => {
    const user = userEvent.setup()
    const { api, store } = renderWithStore(<HostView />)
    await user.click(screen.getByLabelText('S3 bucket'))
    await user.type(screen.getByLabelText('S3 endpoint'), 'http://10.0.0.5:7480')
    await user.click(screen.getByRole('switch', { name: 'Host a server' }))
    expect(api.callsOf('startHost')).toHaveLength(0)
    expect(store.getState().notices.at(-1)?.text).toBe('Enter the S3 endpoint, bucket and access key id.')
  })
})
