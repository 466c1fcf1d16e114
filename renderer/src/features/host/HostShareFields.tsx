// What the host shares: a folder on this computer, or a bucket of an S3-compatible store (Ceph, MinIO, AWS). The
// S3 secret key is a password field whose value goes to the back end when hosting starts and is cleared then:
// the back end keeps it in memory for this session and never sends it back.
import { useId } from 'react'
import { FolderField } from '../../components/FolderField'
import { useFerry } from '../../store/context'
import type { HostFormField, HostSlice } from '../../store/host-slice'

type S3Field = Extract<
  HostFormField,
  'hostS3Endpoint' | 'hostS3Bucket' | 'hostS3Prefix' | 'hostS3Region' | 'hostS3AccessKeyId' | 'hostS3Secret'
>

interface TextFieldProps {
  field: S3Field
  label: string
  testId: string
  locked: boolean
  placeholder?: string
  hint?: string
  password?: boolean
}

function S3TextField({ field, label, testId, locked, placeholder, hint, password }: TextFieldProps) {
  const value = useFerry((s: HostSlice) => s[field])
  const setForm = useFerry((s) => s.setHostForm)
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        type={password ? 'password' : 'text'}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        disabled={locked}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => setForm({ [field]: e.target.value })}
        data-testid={testId}
      />
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
    </div>
  )
}

export function HostShareFields({ locked }: { locked: boolean }) {
  const kind = useFerry((s) => s.hostShareKind)
  const root = useFerry((s) => s.hostRoot)
  const setForm = useFerry((s) => s.setHostForm)
  const name = useId()
  return (
    <>
      <fieldset className="field" disabled={locked}>
        <legend>Share</legend>
        <label>
          <input
            type="radio"
            name={name}
            checked={kind === 'folder'}
            onChange={() => setForm({ hostShareKind: 'folder' })}
            data-testid="host-share-folder"
          />
          Folder
        </label>
        <label>
          <input
            type="radio"
            name={name}
            checked={kind === 's3'}
            onChange={() => setForm({ hostShareKind: 's3' })}
            data-testid="host-share-s3"
          />
          S3 bucket
        </label>
      </fieldset>
      {kind === 'folder' ? (
        <FolderField
          label="Shared folder"
          purpose="share"
          value={root}
          disabled={locked}
          onChange={(hostRoot) => setForm({ hostRoot })}
          testId="host-root"
        />
      ) : (
        <div className="host-s3-fields" data-testid="host-s3-fields">
          <S3TextField
            field="hostS3Endpoint"
            label="S3 endpoint"
            testId="host-s3-endpoint"
            placeholder="http://127.0.0.1:7480"
            locked={locked}
          />
          <S3TextField field="hostS3Bucket" label="Bucket" testId="host-s3-bucket" locked={locked} />
          <S3TextField
            field="hostS3Prefix"
            label="Folder in the bucket (optional)"
            testId="host-s3-prefix"
            placeholder="the whole bucket"
            locked={locked}
          />
          <S3TextField
            field="hostS3Region"
            label="Region (optional)"
            testId="host-s3-region"
            placeholder="us-east-1"
            locked={locked}
          />
          <S3TextField
            field="hostS3AccessKeyId"
            label="Access key id"
            testId="host-s3-access-key"
            locked={locked}
          />
          <S3TextField
            field="hostS3Secret"
            label="Secret key"
            testId="host-s3-secret"
            password
            hint="Kept only in Ferry's memory, never saved; left empty, the last one that worked is used."
            locked={locked}
          />
        </div>
      )}
    </>
  )
}
