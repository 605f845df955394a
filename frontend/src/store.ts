import { configureStore, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { type TypedUseSelectorHook, useDispatch, useSelector } from 'react-redux';
import { api } from './api.ts';
import { appConfig, authToken } from './config.ts';

/** What the builder is doing in the UI and nowhere else: views, comparison picks. */
interface UiState {
  modelView: 'grid' | 'list';
  compare: string[];
  /** False when the deployed platform needs a (new) sign-in. */
  signedIn: boolean;
}

const initialUi = (): UiState => ({
  modelView: 'grid',
  compare: [],
  signedIn: !appConfig().cognito || authToken() !== undefined,
});

export const ui = createSlice({
  name: 'ui',
  initialState: initialUi,
  reducers: {
    setModelView: (state, action: PayloadAction<UiState['modelView']>) => {
      state.modelView = action.payload;
    },
    toggleCompare: (state, action: PayloadAction<string>) => {
      const id = action.payload;
      if (state.compare.includes(id)) state.compare = state.compare.filter((c) => c !== id);
      else if (state.compare.length < 5) state.compare.push(id);
    },
    clearCompare: (state) => {
      state.compare = [];
    },
    setSignedIn: (state, action: PayloadAction<boolean>) => {
      state.signedIn = action.payload;
    },
  },
});

export const { setModelView, toggleCompare, clearCompare, setSignedIn } = ui.actions;

export function makeStore() {
  return configureStore({
    reducer: { [api.reducerPath]: api.reducer, ui: ui.reducer },
    middleware: (getDefault) => getDefault().concat(api.middleware),
  });
}

export type AppStore = ReturnType<typeof makeStore>;
export type RootState = ReturnType<AppStore['getState']>;
export const useAppDispatch: () => AppStore['dispatch'] = useDispatch;
export const useAppSelector: TypedUseSelectorHook<RootState> = useSelector;
