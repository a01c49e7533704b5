/**
 * A loaded ONNX model's signature in the protocol's terms, from ONNX Runtime's input and output metadata:
 * element types through the datatype table, symbolic or unnamed dimensions as -1. Where the runtime reports
 * shape `[]` (a scalar, or a tensor of undeclared rank), the model file decides (model-file-shapes.ts).
 */
import type { InferenceSession } from 'onnxruntime-node';
import { invalidArgument } from '../../../core/errors.js';
import type { ModelSignature, TensorSpec } from '../../runtime.js';
import { datatypeOfOrtType, V2_TO_ORT } from './datatypes.js';
import { type DeclaredShapes, readDeclaredShapes } from './model-file-shapes.js';

type Metadata = readonly InferenceSession.ValueMetadata[];

export async function readSignature(
  session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>,
  modelBytes: () => Promise<Uint8Array>,
): Promise<ModelSignature> {
  const ambiguous = [...session.inputMetadata, ...session.outputMetadata].some(
    (m) => m.isTensor && m.shape.length === 0,
  );
  const declared = ambiguous ? readDeclaredShapes(await modelBytes()) : undefined;
  return {
    inputs: specs(session.inputMetadata, 'input', declared?.inputs),
    outputs: specs(session.outputMetadata, 'output', declared?.outputs),
  };
}

function specs(metadata: Metadata, role: 'input' | 'output', declared: DeclaredShapes | undefined): TensorSpec[] {
  return metadata.map((value) => {
    if (!value.isTensor)
      throw invalidArgument(
        `model ${role} '${value.name}' is not a tensor (a sequence or map); the inference protocol carries tensors only — re-export the model with tensor ${role}s (for scikit-learn classifiers: zipmap=False)`,
      );
    const datatype = datatypeOfOrtType(value.type);
    if (datatype === undefined)
      throw invalidArgument(
        `model ${role} '${value.name}' has ONNX type ${value.type}, which the inference protocol cannot carry (supported: ${Object.values(V2_TO_ORT).join(', ')})`,
      );
    const shape =
      value.shape.length === 0 && declared?.has(value.name)
        ? (declared.get(value.name) ?? null)
        : value.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1));
    return { name: value.name, datatype, shape };
  });
}
