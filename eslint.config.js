import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'lib/', 'coverage/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname
      }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off'
    }
  },
  {
    // Small files with one job each, and short functions.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 250 }],
      'max-lines-per-function': ['error', { max: 60 }]
    }
  },
  // The two credentials never reach into each other: what they share lives in targets/, run/ and settings/.
  ...[
    ['service-token', 'api-token'],
    ['api-token', 'service-token']
  ].map(([own, other]) => ({
    files: [`src/credentials/${own}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [`**/${other}/**`], message: `credentials/${own} must not import credentials/${other}.` }
          ]
        }
      ]
    }
  })),
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked]
  }
);
